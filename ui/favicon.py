"""The app's favicon in the browser tab, sent without `st.set_page_config(page_icon=...)`.

Given an image, `st.set_page_config` passes it through Streamlit's `image_to_url`, which imports
NumPy and Pillow first (about 0.1 s of CPU, more than all of the app's own imports for its
first page) for arrays and PIL images a favicon file never is, then reopens the PNG with Pillow
on every run. The same PNG goes here as a data URL in the page-config message
`st.set_page_config` itself sends: the field Streamlit fills with a data URL for an SVG favicon.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Final

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.PageConfig_pb2 import PageConfig
from streamlit.runtime.scriptrunner import get_script_run_ctx

PATH: Final = Path(__file__).resolve().parent / "static" / "favicon.png"
DATA_URL: Final = "data:image/png;base64," + base64.b64encode(PATH.read_bytes()).decode("ascii")


def message() -> ForwardMsg:
    """Return the page-config message that sets the favicon and changes nothing else."""
    msg = ForwardMsg()
    config = msg.page_config_changed
    config.favicon = DATA_URL
    # Protobuf's defaults are "centered" and "auto": unset, they leave st.set_page_config's alone.
    config.layout = PageConfig.LAYOUT_UNSET
    config.initial_sidebar_state = PageConfig.SIDEBAR_UNSET
    return msg


def show() -> None:
    """Set the browser tab's icon to the app's favicon (`ui/static/favicon.png`)."""
    ctx = get_script_run_ctx()
    if ctx is not None:  # None: imported outside a script run, with no browser to tell
        ctx.enqueue(message())
