"""What needs me now: the "My work" page, notifications in the app and by e-mail."""
