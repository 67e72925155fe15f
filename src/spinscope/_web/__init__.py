"""The web app of ``spinscope serve``: a page and a JSON API over the analyzer."""
