"""Following outlets (feeds, sitemaps, sites) and snapshotting the sources reviewers cite."""
