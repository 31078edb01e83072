"""Colab opens only .ipynb files, but the chapters are MyST-markdown notebooks (.md).

For a chapter, the Colab launch button points instead at the executed notebook that the
build writes to ``_sources/<page>.ipynb``, on the branch the site is published from
(``colab_notebook_branch``, default ``gh-pages`` as `ghp-import` publishes it). Pages
that are notebooks already (the exercises) keep their link to the repository file.
"""

from urllib.parse import urlsplit


def _published_notebook_url(app, pagename):
    options = app.config.html_theme_options
    colab = options.get("launch_buttons", {}).get("colab_url", "").rstrip("/")
    owner_repo = "/".join(urlsplit(options.get("repository_url", "")).path.strip("/").split("/")[:2])
    return f"{colab}/github/{owner_repo}/blob/{app.config.colab_notebook_branch}/_sources/{pagename}.ipynb"


def point_colab_at_executed_notebook(app, pagename, templatename, context, doctree):
    if not str(context.get("sourcename", "")).endswith(".md") or not context.get("ipynb_source"):
        return
    for group in context.get("header_buttons", []):
        if group.get("label") != "launch-buttons":
            continue
        for button in group.get("buttons", []):
            if button.get("text") == "Colab":
                button["url"] = _published_notebook_url(app, pagename)


def setup(app):
    app.add_config_value("colab_notebook_branch", "gh-pages", "html")
    # after sphinx-book-theme builds the launch buttons (priority 501)
    app.connect("html-page-context", point_colab_at_executed_notebook, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
