"""Reports: finding codes and their wording, the report model and the verdict, renderings (text, JSON), reloading archived reports, the result cache."""
