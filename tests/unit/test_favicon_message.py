"""The favicon's page-config message carries the PNG and leaves the layout and sidebar alone."""

from __future__ import annotations

import base64

from streamlit.proto.PageConfig_pb2 import PageConfig

from ui import favicon


def test_the_message_carries_the_png_as_a_data_url() -> None:
    config = favicon.message().page_config_changed

    prefix, _, payload = config.favicon.partition(",")

    assert prefix == "data:image/png;base64"
    assert base64.b64decode(payload) == favicon.PATH.read_bytes()
    assert base64.b64decode(payload).startswith(b"\x89PNG\r\n\x1a\n")


def test_the_message_sets_no_title_layout_or_sidebar_state() -> None:
    config = favicon.message().page_config_changed

    # Protobuf's defaults would be "centered" and "auto", overriding st.set_page_config's.
    assert config.layout == PageConfig.LAYOUT_UNSET
    assert config.initial_sidebar_state == PageConfig.SIDEBAR_UNSET
    assert config.title == ""
    assert not config.HasField("menu_items")
