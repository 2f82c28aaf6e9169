"""长效管理: the rules that govern a compound after its renovation, as pure functions over data.

What a sub-district drives compound by compound (issue 13): who manages it (a property company, a
public-interest or fallback manager, the owners themselves, an emergency manager) and whether its
owners govern themselves (an owners' assembly, 业主大会, and its committee, 业主委员会).

* Civil Code (民法典) art. 277: owners may form an assembly and elect a committee, with the guidance
  of the local government and the residents' committee; art. 278: the decisions reserved to owners,
  counted as `anju.domain.consent` counts them (2/3 of all owners by area and headcount take part;
  3/4 or more than half of the participants agree); art. 280: decisions bind every owner and can be
  challenged in court, so every record is kept; arts. 946–949: 60 days' notice to dismiss a manager,
  90 days' notice by a manager who will not renew, 60 days to end an open-ended contract, hand-over.
* 物业管理条例 (2018) arts. 10–20 and 业主大会和业主委员会指导规则 (2009): committee size and term,
  filing deadlines. Where they differ from the Civil Code (条例 art. 12: a simple majority takes
  part), the Civil Code wins: the turnout figures are not in any rule set, they are art. 278's.
* Local rules (北京市物业管理条例 2024, 上海市住宅物业管理规定 2020) differ in figures; each is a rule
  set in data (`data/*.json`), every figure with the article it comes from (`rulesets`).

Modules: `laws` (the texts cited and how an article is written), `rulesets` (figures, loading,
adjusting), `deadlines` (a figure applied to a date, calendar or working days, and its status),
`bodies` (who may sit on a committee, a preparatory group, an interim committee), `election`
("elect up to N of these candidates" counted under art. 278).
"""
