import { CLIENT_CAPABILITIES_META_KEY, type ClientCapabilities, type InputRequiredResult, inputRequired, inputResponse, type ServerContext } from "@modelcontextprotocol/server";
import { ToolError } from "./errors";

/** Thrown to answer a tool call with an input_required result: the client asks its user, then calls again with the answer. */
export class AskThePerson extends Error {
  constructor(readonly result: InputRequiredResult) {
    super("the person is asked first");
  }
}

const ANSWER_KEY = "person_confirms";

/**
 * A step a person must approve themselves (money that cannot be taken back, a secret, where
 * customers' messages go). On a client that can ask its user — MCP elicitation, on the 2026-07-28
 * protocol where a stateless server can use it — the call stops here until the person answers:
 * yes to this very question continues (the model's own confirm or reveal is not enough), anything
 * else ends the call with `declined`. Elsewhere nothing is asked and the tool's confirm/reveal
 * argument stands.
 */
export function personApproves(extra: ServerContext, question: string, declined: string): void {
  const envelope = extra.mcpReq.envelope as Record<string, unknown> | undefined;
  const capabilities = envelope?.[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined;
  if (!capabilities?.elicitation) return;
  const answer = inputResponse(extra.mcpReq.inputResponses, ANSWER_KEY);
  // The question travels as the request state: an answer given to another question (other arguments, other numbers) does not count.
  if (answer.kind === "elicit" && extra.mcpReq.requestState() === question) {
    if (answer.action === "accept" && answer.content?.confirm === true) return;
    throw new ToolError(declined);
  }
  throw new AskThePerson(
    inputRequired({
      requestState: question,
      inputRequests: {
        [ANSWER_KEY]: inputRequired.elicit({
          message: question,
          requestedSchema: { type: "object", properties: { confirm: { type: "boolean", title: "Yes, go ahead", default: false } }, required: ["confirm"] },
        }),
      },
    }),
  );
}
