"""Administration: users, roles and rating scales."""
