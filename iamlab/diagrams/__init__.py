"""Diagrams: who may assume what, who assumed what, and how one decision was reached."""
