"""Rating scales: the verdict labels an organisation publishes, with their values and definitions."""
