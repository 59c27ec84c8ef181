"""The desk in figures (editors and admins), and CSV exports of the queue and the figures."""
