"""Grouping articles that report the same news into stories."""
