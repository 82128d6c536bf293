from oneroof.cases.tests.conftest import actors, case

__all__ = ["actors", "case"]
