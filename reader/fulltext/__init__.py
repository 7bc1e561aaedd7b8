"""Full article text: fetched from an article's link, extracted, cached for offline reading (issue 13)."""
