"""One module per service: the URL to ask and a parser for its own answer format, giving a
`Paper`. Parsers raise http.BadAnswer for an answer they cannot read and http.NotFound when the
service says the paper does not exist."""
