"""MSP Outcomes: Making Safeguarding Personal, practised and measured."""

__version__ = "0.1.0"
