"""storyline: find, group and explain news articles that tell the same story."""

from storyline.data import Article
from storyline.errors import StorylineError

__version__ = "0.1.0"
__all__ = ["Article", "StorylineError", "__version__"]
