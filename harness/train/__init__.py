"""Training LoRA adapters from recipes (`harness train`) on the same prompts `harness run` scores."""
from harness.train.recipe import Recipe, RecipeError, load_recipe

__all__ = ["Recipe", "RecipeError", "load_recipe"]
