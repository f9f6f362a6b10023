"""The companies' cache generation: any change to a company renews the directory and every page naming one."""

from marketplace.companies.models import Company, Industry
from marketplace.core import caching

HTML_SECONDS = 300
COUNT_SECONDS = 300

directory = caching.register("directory", models=(Company,))
# The industries (reference data): the directory's filter form is drawn once per language and version.
industries = caching.register("industries", models=(Industry,))
