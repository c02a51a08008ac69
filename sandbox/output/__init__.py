"""What users read: terminal tables, tidy JSON/CSV with provenance, PNG/SVG figures and
self-contained HTML reports, written atomically."""
