package io.pointsman.proxy.config;

/** What an {@code http_request} rule may do: the key chosen in the rule's map. */
public sealed interface RequestAction permits HttpActions.Redirect, HttpActions.Deny, HttpActions.Return,
        HttpActions.Auth, HttpActions.SetHeader, HttpActions.AddHeader, HttpActions.DelHeader,
        HttpActions.ReplaceHeader, HttpActions.SetPath, HttpActions.ReplacePath, HttpActions.SetQuery,
        HttpActions.DelQueryParam {
}
