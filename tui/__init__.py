"""The Textual app: the face of Digest. It imports ``digest``; ``digest`` never imports it."""
