"""Speech models: which ones are known (catalog), where they live (store), how they get here (download)."""

from vertraag.models.catalog import DEFAULT_MODELS, KNOWN_MODELS, ModelInfo
from vertraag.models.store import check_model, models_dir, resolve_model

__all__ = ["DEFAULT_MODELS", "KNOWN_MODELS", "ModelInfo", "check_model", "models_dir", "resolve_model"]
