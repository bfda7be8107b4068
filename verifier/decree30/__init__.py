"""Decree 30/2020/NĐ-CP: the document's metadata read from its text, what each layer is for, and the profile checks."""
