/**
 * Pulumi entry point (Pulumi.yaml `main: infra/`). Pulumi calls the exported function and makes
 * its result the stack outputs; the offline plan calls the very same function.
 */
import { program } from "./program";

export = program;
