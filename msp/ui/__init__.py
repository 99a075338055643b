"""Streamlit pieces shared by the frame (`streamlit_app.py`) and the pages: the page
registry, the guard every page starts with, the signed-in session and the sign-in screens."""
