"""Studies over many evaluations: sweep plans (grid, random, Latin hypercube, Monte Carlo),
resumable sweeps on local processes or Dask, sensitivity (tornado) and year-by-year timelines."""
