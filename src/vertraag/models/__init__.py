"""Speech models: which ones are known (catalog), where they live (store), how they get here (download)."""

from vertraag.models.catalog import ModelInfo, default_for, known_models
from vertraag.models.store import check_model, models_dir, resolve_model

__all__ = ["ModelInfo", "check_model", "default_for", "known_models", "models_dir", "resolve_model"]
