"""Articles: parsing incoming text, storing it, listing and showing it."""
