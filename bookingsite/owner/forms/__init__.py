"""The owner's forms, one module per page area, named as its views module is (views/<area>.py).
Each validates what the models and services need, with a message per field."""
