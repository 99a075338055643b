"""The shared model (`db.models`), engines and sessions (`db.engine`) and migrations."""
