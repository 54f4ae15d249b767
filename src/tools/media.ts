import { z } from "zod";
import { parseAnswer, uploadMediaResponse } from "../api/responses";
import { defineTool, type ToolDefinition } from "./define";
import { unwrap } from "./errors";
import { loadMedia, MEDIA_TYPES, mediaSource } from "./media-source";
import { appIdInput } from "./schemas";

export const mediaTools: ToolDefinition[] = [
  defineTool(
    "upload_media",
    {
      title: "Upload sample media",
      description: "Upload an image, video or PDF as a template sample: its handleId is create_template's exampleMedia.",
      input: z.object({
        appId: appIdInput,
        file: z
          .string()
          .min(1, "file must not be empty")
          .max(4_000_000, "file is too long to pass inline (MCP requests are limited to 4 MB): put the file at an https URL and pass the URL")
          .describe("An https URL or base64 (a data: URI; ≤ ~3 MB inline); not a local path."),
        fileType: z.enum(MEDIA_TYPES).describe("Images ≤5 MB, video and PDF ≤16 MB."),
      }),
      output: z.object({ appId: z.string(), handleId: z.string(), bytes: z.number() }),
      scope: "manage",
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    (ctx) => async (args) => {
      const appId = await ctx.appId(args.appId);
      const source = mediaSource(args.file, args.fileType, ctx.ownHosts());
      // Nothing is downloaded for a caller who may not use the app.
      await ctx.proveAccess(appId);
      const media = await loadMedia(source, args.fileType, ctx.ownHosts());
      const result = await ctx.callApp(appId, {
        endpoint: "uploadMedia",
        file: { bytes: media.bytes, filename: media.filename, contentType: args.fileType, fields: { file_type: args.fileType } },
      });
      const { handleId } = parseAnswer(uploadMediaResponse, unwrap(result, { session: ctx.session, appId }), "upload_media");
      return {
        structured: { appId, handleId, bytes: media.bytes.byteLength },
        summary: `Uploaded ${media.bytes.byteLength} bytes. Use exampleMedia: "${handleId}" in create_template.`,
      };
    },
  ),
];
