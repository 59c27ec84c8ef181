"""Rating scales: the verdict labels an organisation publishes, with values and definitions."""
