"""The demo world: `manage.py seed_demo` calls one seeder per app. Reference data lives in migrations."""
