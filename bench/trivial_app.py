"""The yardstick for the load test: a Streamlit app with one slider and nothing else."""

import streamlit as st

st.slider("Value", 0, 100, 50)
