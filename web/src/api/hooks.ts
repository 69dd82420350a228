import {
  type UseQueryResult,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import type { TypedDocumentString } from "../gql/graphql";
import { type ApiError, execute } from "./client";

/** The operation's name, the first part of its cache key. */
export function operationName(document: { toString(): string }): string {
  return /^\s*(?:query|mutation|subscription)\s+(\w+)/.exec(document.toString())?.[1] ?? "anonymous";
}

/** A typed query; its data is refetched when a write or a live event invalidates it. */
export function useGql<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  options: { enabled?: boolean } = {},
): UseQueryResult<TResult, ApiError> {
  return useQuery<TResult, ApiError>({
    queryKey: [operationName(document), variables],
    queryFn: () => execute(document, variables),
    enabled: options.enabled ?? true,
  });
}

/** A typed mutation; on success every query is refetched, so the page shows the change. */
export function useGqlMutation<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
) {
  const queryClient = useQueryClient();
  return useMutation<TResult, ApiError, TVariables>({
    mutationFn: (variables: TVariables) => execute(document, variables),
    onSuccess: () => queryClient.invalidateQueries(),
  });
}
