"""``compiler_gym.validation_result``: what ``env.validate()`` returns."""

from cgym import ValidationResult

__all__ = ["ValidationResult"]
