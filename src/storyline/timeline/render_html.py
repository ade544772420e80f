def timeline_html(t):  # placeholder
    return ""
