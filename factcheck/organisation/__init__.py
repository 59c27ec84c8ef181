"""The organisation that publishes the fact-checks: saved settings, else the configuration."""
