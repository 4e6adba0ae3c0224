"""Files to text: PDF, DOCX, Markdown and text readers, OCR of scans and photos."""
