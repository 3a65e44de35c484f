"""The app's widgets: each shows what it is given and posts messages; none reads the store."""
