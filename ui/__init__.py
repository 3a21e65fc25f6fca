"""The Streamlit layer shared by pages: session-state keys, bound widgets, cached resources."""
