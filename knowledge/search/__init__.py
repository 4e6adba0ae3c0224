"""From a question to a checked answer: query reading, retrieval, refusal, answers, LLM and citation checks."""
