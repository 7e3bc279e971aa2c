"""The standing feature: where each relationship stands and what to do next.

Use cases (built once, by bot/app.py):
- lists.Standing: the fading list, the focus list, one contact's standing, your next five
- review.Reviews: the weekly review and its once-a-week Monday DM

Queries: facts (gather the facts the rules in bot/domain/relationship.py read), next (the
candidates for "your next five").
"""
