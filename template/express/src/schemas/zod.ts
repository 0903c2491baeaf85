/** zod with `.openapi()`: the one source of validation, types and the OpenAPI document. */
import { extendZodWithOpenApi } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";

extendZodWithOpenApi(z);

export { z };
