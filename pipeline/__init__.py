"""Open data pipeline of the Science & Technology Bureau's annual report.

Data flows one way: load -> validate -> figures -> charts -> downloads -> pages
-> site. No module imports a later stage; only the build command chains them.
"""
