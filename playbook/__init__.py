"""The domain of the GenAI Design Whiteboard: pure, with no UI, database or rendering imports."""

from playbook.codec import (
    DesignError,
    add_custom_entry,
    design_from_data,
    dump_design,
    parse_design,
    remove_component,
    remove_custom_entry,
    retitle_design,
    update_design,
)
from playbook.design import LADDER, PHASES, Design, Phase, Rung

__all__ = [
    "LADDER",
    "PHASES",
    "Design",
    "DesignError",
    "Phase",
    "Rung",
    "add_custom_entry",
    "design_from_data",
    "dump_design",
    "parse_design",
    "remove_component",
    "remove_custom_entry",
    "retitle_design",
    "update_design",
]
