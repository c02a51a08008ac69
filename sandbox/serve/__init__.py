"""``sandbox serve``: an interactive explorer of scenarios and finished sweeps in the browser.

Modules (docs/serve.md describes the page, the API and the security model):

- :mod:`sandbox.serve.command`: the ``serve`` command (a host plugin's ``sandbox_register_commands``);
- :mod:`sandbox.serve.state`: the explorer's state (a scenario file plus changed inputs) ↔ URL and TOML;
- :mod:`sandbox.serve.form`: the input form generated from the schema (parameters, model defaults,
  catalogue fields, each with unit, range and source);
- :mod:`sandbox.serve.compute`: evaluation (validated like a scenario file, designs memoised per
  process), the comparison of scenarios and the bridge waterfall;
- :mod:`sandbox.serve.sweepview`: server-side aggregation of a finished sweep folder;
- :mod:`sandbox.serve.app`: the Starlette application (routes, token, time limit, errors);
- ``static/``: the page (HTML, JavaScript, CSS). Plotly's JavaScript is served from the installed
  ``plotly`` package; nothing is fetched from elsewhere.
"""
