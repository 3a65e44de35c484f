"""The app's screens: the main three-pane reader, help, and the search prompt."""
