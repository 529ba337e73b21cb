/** The CrossGuard entry point: `pulumi preview --policy-pack policies`. Never import this file. */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./pack";

new PolicyPack("ml-gitops", { policies, enforcementLevel: "mandatory" });
