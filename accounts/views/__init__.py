"""Customer web pages of the accounts app."""
