"""Benchmarks: the serving model's error on published measurements, and the planner's speed."""
