/** The predicate lives in the policy pack so the pack is self-contained for `pulumi policy publish`; one definition, used here too. */
export * from "../../policies/lib/predicates/model-deployment-props";
