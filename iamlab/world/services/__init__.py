"""The world's AWS services: one module per service."""
